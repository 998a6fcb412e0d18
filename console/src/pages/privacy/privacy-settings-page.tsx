import { PageHeader } from '../../components/layout.tsx';
import { useSession } from '../../shared/session.tsx';
import { ProcessingSection } from './processing-section.tsx';
import { RetentionSection } from './retention-section.tsx';

/**
 * Settings → Privacy (docs/privacy.md): retention per category, and purposes, sources and the record of
 * processing, each a section of its own.
 */
export function PrivacySettingsPage() {
  const { appId, can } = useSession();
  return (
    <>
      <PageHeader title="Privacy" />
      <section className="card" aria-labelledby="retention-title">
        <h2 id="retention-title">Retention</h2>
        <RetentionSection appId={appId} />
      </section>
      {can('privacy.settings') && (
        <section className="card" aria-labelledby="processing-title">
          <h2 id="processing-title">Purposes, sources and the record of processing</h2>
          <ProcessingSection appId={appId} />
        </section>
      )}
    </>
  );
}
