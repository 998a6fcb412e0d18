import type { AppContext } from '../../context.ts';
import { effectiveRetention, formatRetention, type RetentionCategory, retentionDefaults } from './retention-settings.ts';

/** An application's periods as in force (its own, else the defaults), formatted: the record of processing states them. */
export async function retentionInForce(ctx: Pick<AppContext, 'db' | 'config'>, appId: string): Promise<Record<RetentionCategory, string | null>> {
  const app = await ctx.db.selectFrom('applications').select('retention').where('id', '=', appId).executeTakeFirst();
  return formatRetention(effectiveRetention(app?.retention ?? {}, retentionDefaults(ctx.config)));
}
