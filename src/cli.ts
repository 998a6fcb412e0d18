import { fail, flags, positionals, usage } from './cli/cli-input.ts';

/** The `roster` command. Only the usage and the flags load first: every command loads what it needs. */
async function main(): Promise<void> {
  if (flags.help || !positionals[0]) {
    console.log(usage);
    return;
  }
  const { runCommand } = await import('./cli/commands.ts');
  await runCommand();
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
