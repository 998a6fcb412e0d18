import { PageHeader } from '../../components/layout.tsx';
import { useSession } from '../../shared/session.tsx';
import { RetentionSection } from './retention-section.tsx';

/**
 * Settings → Privacy (docs/privacy.md): retention per category. Other privacy settings (purposes, the
 * record of processing) are sections of their own beside this one.
 */
export function PrivacySettingsPage() {
  const { appId } = useSession();
  return (
    <>
      <PageHeader title="Privacy" />
      <section className="card" aria-labelledby="retention-title">
        <h2 id="retention-title">Retention</h2>
        <RetentionSection appId={appId} />
      </section>
    </>
  );
}
