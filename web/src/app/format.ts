/** Date-time formatting shared by the admin pages. */

/** An ISO-8601 date-time in the browser's locale, or '—' when absent. */
export function formatWhen(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}
