/**
 * Model exchange files: export the model document (exportModel, canonical JSON) and import one
 * (importModel). Import errors carry the JSON path at fault; a model that already exists can be
 * replaced (the server keeps the replaced model as an automatic snapshot, and the confirmation
 * says where to find it) or imported as a copy under a new id.
 */
import { useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ExportModelDocument, ImportModelDocument } from '../api/__generated__/graphql';
import { mutate, request } from '../api/client';
import { GraphQLRequestError } from '../api/errors';
import { keys } from '../api/hooks';
import { downloadText } from '../app/download';
import { ErrorMessage } from './Feedback';

export function ExportModelButton({ modelId, version }: { modelId: string; version?: number }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            const r = await request(ExportModelDocument, { id: modelId });
            downloadText(
              `${JSON.stringify(r.exportModel, null, 2)}\n`,
              `${modelId}${version ? `-v${version}` : ''}.medthreat.json`,
              'application/json',
            );
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? 'Exporting…' : 'Export model'}
      </button>
      {error != null && <ErrorMessage error={error} title="Export failed" />}
    </>
  );
}

interface ImportIssue {
  path: string;
  message: string;
}

/** Picks a file and imports it. `replaceId`: the workspace's model, replaced after confirmation. */
export function ImportModelButton({
  onImported,
  replaceId,
  label = 'Import model…',
}: {
  onImported: (id: string) => void;
  replaceId?: string;
  label?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [issues, setIssues] = useState<ImportIssue[]>([]);
  const [conflict, setConflict] = useState<{ document: unknown; id: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (document: unknown, opts: { replace?: boolean; targetModelId?: string }) => {
    setBusy(true);
    setError(null);
    setIssues([]);
    try {
      const r = await mutate(ImportModelDocument, {
        document,
        replace: opts.replace ?? false,
        targetModelId: opts.targetModelId ?? null,
      });
      setConflict(null);
      await qc.invalidateQueries({ queryKey: keys.models });
      await qc.invalidateQueries({ queryKey: keys.model(r.importModel.id) });
      onImported(r.importModel.id);
    } catch (e) {
      const docId = (document as { model?: { id?: string } })?.model?.id;
      if (e instanceof GraphQLRequestError && e.code === 'CONFLICT' && docId) setConflict({ document, id: docId });
      else {
        setError(e);
        if (e instanceof GraphQLRequestError) setIssues(e.errors.flatMap((x) => x.extensions?.issues ?? []));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="import">
      <button type="button" onClick={() => input.current?.click()} disabled={busy}>
        {busy ? 'Importing…' : label}
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-file"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (!file) return;
          let document: unknown;
          try {
            document = JSON.parse(await file.text());
          } catch (err) {
            setError(new Error(`${file.name} is not valid JSON: ${(err as Error).message}`));
            return;
          }
          await run(document, replaceId ? { targetModelId: replaceId, replace: false } : {});
        }}
      />
      {conflict && (
        <div className="warning-box" role="alertdialog" aria-label="Model exists">
          A model with id <code>{conflict.id}</code> already exists.
          <p data-testid="replace-keeps">
            Replacing it overwrites the model with this file. Nothing is lost: the model as it is now is kept as an
            automatic snapshot (<q>auto: before import replace…</q>), and every earlier version stays available. To get
            it back, open the model’s <b>Versions</b> tab: compare with that snapshot, or export it and import the file
            again.
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="danger"
              onClick={() =>
                run(conflict.document, { replace: true, ...(replaceId ? { targetModelId: replaceId } : {}) })
              }
            >
              Replace it
            </button>
            <button
              type="button"
              onClick={() =>
                run(conflict.document, { targetModelId: `${conflict.id}-copy-${Date.now().toString(36)}` })
              }
            >
              Import as a copy
            </button>
            <button type="button" onClick={() => setConflict(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error != null && (
        <div className="import-errors">
          <ErrorMessage error={error} title="Import failed" />
          {issues.length > 0 && (
            <ul>
              {issues.slice(0, 20).map((i, n) => (
                <li key={n}>
                  <code>{i.path}</code>: {i.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </span>
  );
}
