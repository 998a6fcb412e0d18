import { useApiKeys, useConsoleTokens, useCreateApiKey, useCreateConsoleToken, useRevokeApiKey, useRevokeConsoleToken } from '../../api/settings.ts';
import { PageHeader } from '../../components/layout.tsx';
import { useSession } from '../../shared/session.tsx';
import { MembersSection } from './members-section.tsx';
import { PasswordSection } from './password-section.tsx';
import { SecretsSection } from './secrets-section.tsx';

function ApiKeysSection() {
  const { appId, app } = useSession();
  return (
    <SecretsSection
      title={`API keys of ${app.name}`}
      intro="Servers use an API key (header x-api-key) to read and write this application's users through the users API."
      noun="API key"
      list={useApiKeys(appId)}
      create={useCreateApiKey(appId)}
      revoke={useRevokeApiKey(appId)}
      secretOf={(created) => created.api_key}
      withPrefix
    />
  );
}

function ConsoleTokensSection() {
  return (
    <SecretsSection
      title="Your console tokens"
      intro="Scripts use a console token (Authorization: Bearer …) to call the console API as you, with your role."
      noun="console token"
      list={useConsoleTokens()}
      create={useCreateConsoleToken()}
      revoke={useRevokeConsoleToken()}
      secretOf={(created) => created.token}
    />
  );
}

export function SettingsPage() {
  const { can } = useSession();
  return (
    <>
      <PageHeader title="Settings" />
      <PasswordSection />
      {can('operators.manage') && <MembersSection />}
      {can('apikeys.manage') && <ApiKeysSection />}
      <ConsoleTokensSection />
    </>
  );
}
