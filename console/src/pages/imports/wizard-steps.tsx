import type { ImportStatus } from '../../api/types.ts';

const steps = ['Upload', 'Check', 'Import', 'Result'] as const;

function stepOf(status: ImportStatus | 'upload'): number {
  if (status === 'upload') return 0;
  if (status === 'validating' || status === 'needs_mapping' || status === 'ready') return 1;
  if (status === 'queued' || status === 'running') return 2;
  return 3;
}

/** Where the import is in its life, so a reopened tab shows at a glance what comes next. */
export function WizardSteps({ status }: { status: ImportStatus | 'upload' }) {
  const current = stepOf(status);
  return (
    <ol className="wizard-steps" aria-label="Import steps">
      {steps.map((step, index) => (
        <li key={step} className={index < current ? 'done' : index === current ? 'current' : ''} aria-current={index === current ? 'step' : undefined}>
          <span className="wizard-number">{index + 1}</span> {step}
        </li>
      ))}
    </ol>
  );
}
