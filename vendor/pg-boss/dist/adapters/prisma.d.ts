import type { IDatabase } from '../types.ts';
export interface PrismaTransactionLike {
    $queryRawUnsafe<T = unknown>(query: string, ...values: any[]): Promise<T>;
}
export declare function fromPrisma(tx: PrismaTransactionLike): IDatabase;
//# sourceMappingURL=prisma.d.ts.map