import { type DragEvent, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import type { UploadProgress } from '../../api/client.ts';
import { templateUrl, uploadImport } from '../../api/imports.ts';
import { usePresets } from '../../api/migration.ts';
import { ErrorMessage, ProgressBar } from '../../components/feedback.tsx';
import { Card, PageHeader } from '../../components/layout.tsx';
import { importColumns } from '../../shared/columns.ts';
import { formatBytes } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { ImportTabs } from './import-tabs.tsx';
import { WizardSteps } from './wizard-steps.tsx';

export function NewImportPage() {
  const { appId, app } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [uploaded, setUploaded] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [preset, setPreset] = useState('');
  const [defaultRegion, setDefaultRegion] = useState('');
  const presets = usePresets(appId);


  const choose = (chosen: File | undefined | null) => {
    setError(null);
    if (chosen) setFile(chosen);
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  };

  const send = async () => {
    if (!file) return;
    setError(null);
    setUploaded({ loaded: 0, total: file.size });
    try {
      const created = await uploadImport(appId, file, setUploaded, { preset: preset || undefined, defaultRegion: defaultRegion.trim() || undefined });
      await queryClient.invalidateQueries({ queryKey: ['imports', appId] });
      navigate(`/imports/${created.id}`);
    } catch (caught) {
      setError(caught);
      setUploaded(null);
    }
  };

  return (
    <>
      <PageHeader title="Import users" />
      <ImportTabs />
      <WizardSteps status="upload" />
      <div className="grid-2">
        <Card id="file" title="Choose a file">
          <div className="field">
            <label htmlFor="import-preset">Where the file comes from</label>
            <select id="import-preset" value={preset} onChange={(event) => setPreset(event.target.value)}>
              <option value="">Any file (columns matched by name)</option>
              {presets.data?.results.map((option) => (
                <option key={option.name} value={option.name}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="import-region">Country of national phone numbers (optional)</label>
            <input id="import-region" placeholder="e.g. FR" maxLength={3} value={defaultRegion} onChange={(event) => setDefaultRegion(event.target.value)} />
          </div>
          <div
            className={`dropzone${dragging ? ' dropzone-active' : ''}`}
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <p>Drop a CSV, Excel (.xlsx), JSON or NDJSON file here, or</p>
            <label className="button-secondary file-label">
              Pick a file…
              <input
                ref={input}
                type="file"
                accept=".csv,.txt,.tsv,.xlsx,.json,.ndjson,.jsonl,text/csv,text/plain,application/json"
                className="visually-hidden"
                onChange={(event) => choose(event.target.files?.[0])}
              />
            </label>
            {file && (
              <p className="chosen-file" aria-live="polite">
                <strong>{file.name}</strong> · {formatBytes(file.size)}
              </p>
            )}
          </div>
          {uploaded !== null && (
            <div className="upload-progress">
              <ProgressBar value={uploaded.loaded} max={uploaded.total} label="Upload" />
              {/* The body is the file plus a little multipart framing: show the file's own bytes. */}
              <p className="hint" aria-live="polite">
                {formatBytes(Math.min(uploaded.loaded, file?.size ?? uploaded.loaded))} of {formatBytes(file?.size ?? uploaded.total)} uploaded
                {uploaded.loaded >= uploaded.total ? ' · storing the file…' : ''}
              </p>
            </div>
          )}
          <ErrorMessage error={error} title="The file was not accepted." />
          <div className="actions">
            <button type="button" className="button-primary" disabled={!file || uploaded !== null} onClick={send}>
              {uploaded !== null ? 'Uploading…' : 'Upload and check'}
            </button>
          </div>
          <p className="hint">Nothing changes in {app.name} until you have seen the preview and pressed Start.</p>
        </Card>
        <Card id="template" title="The file's format">
          <p>
            <a className="button-secondary" href={templateUrl(appId)} download>
              Download the template
            </a>
          </p>
          <p>
            One user per row, keyed by <code>vendor_data</code>: a new value creates a user, a known one updates it. An empty cell, or a missing column,
            leaves that field as it is.
          </p>
          <p className="muted">Columns: {importColumns.map((column) => column).join(', ')}.</p>
          <p className="muted">
            UTF-8, UTF-16 or Windows-1252; comma, semicolon, tab or pipe separated. <code>tags</code> are comma separated inside their cell;{' '}
            <code>metadata_json</code> holds a JSON object. Verified names, dates of birth and session counters are never overwritten.
          </p>
        </Card>
      </div>
    </>
  );
}
