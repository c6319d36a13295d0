export function ReportPage() {
  return <div>Report</div>;
}
