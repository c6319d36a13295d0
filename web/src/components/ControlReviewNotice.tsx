/**
 * The control review of a model (controls v2 migration report), shown above the recommendation:
 * placements whose control no longer fits their element (the analysis ignores them) and
 * placements, accepted recommendations included, whose control no longer prevents what it was
 * counted as cutting (it now reduces, detects or recovers), with the safety risk as believed and
 * as it is. Nothing here blocks a write; it asks for a decision.
 */
import { useState } from 'react';
import { useControlReview } from '../api/hooks';
import { formatRisk } from '../graph/vocabulary';
import type { ModelIndex } from '../graph/model-index';

export function ControlReviewNotice({ modelId, index }: { modelId: string; index: ModelIndex }) {
  const review = useControlReview(modelId);
  const [open, setOpen] = useState(false);
  const items = review.data?.items ?? [];
  if (items.length === 0) return null;
  const misfits = items.filter((i) => i.problem === 'NOT_APPLICABLE').length;
  return (
    <section className="control-review warning-box" aria-label="Control review" data-testid="control-review">
      <p>
        <strong>
          {items.length} control placement{items.length === 1 ? '' : 's'} to review
        </strong>{' '}
        since controls v2: {misfits} no longer fit{misfits === 1 ? 's' : ''} {misfits === 1 ? 'its' : 'their'} element,{' '}
        {items.length - misfits} no longer prevent{items.length - misfits === 1 ? 's' : ''} what{' '}
        {items.length - misfits === 1 ? 'it was' : 'they were'} placed for. Safety risk as believed{' '}
        {formatRisk(review.data!.riskBefore)}, as it is {formatRisk(review.data!.riskAfter)}.{' '}
        <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide' : 'Show'}
        </button>
      </p>
      {open && (
        <table className="control-review-table">
          <thead>
            <tr>
              <th scope="col">Placement</th>
              <th scope="col">Control</th>
              <th scope="col">On</th>
              <th scope="col">Status</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.placementId} data-problem={i.problem}>
                <td>{i.placementId}</td>
                <td>{i.controlId}</td>
                <td>{index.label(i.elementId)}</td>
                <td>{i.status}</td>
                <td>
                  {i.problem === 'NOT_APPLICABLE' ? 'Not applicable: ' : 'No longer prevents: '}
                  {i.reason}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
