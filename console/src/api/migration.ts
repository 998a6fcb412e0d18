import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { ImportJob, ImportPreset, ImportRow, WriteOptions } from './types.ts';

/** Mapping, fixes, cell edits and presets of an import (docs/vendor-migration.md). */

export function usePresets(appId: string) {
  return useQuery({
    queryKey: ['import-presets', appId],
    queryFn: ({ signal }) => api<{ results: ImportPreset[] }>(`/apps/${appId}/imports/presets`, { signal }),
    staleTime: Infinity,
  });
}

/** After a change the import validates again: its view and its rows are refetched. */
function useImportChange<T, V>(appId: string, importId: string, request: (variables: V) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: async (answer) => {
      if ((answer as ImportJob | undefined)?.status) queryClient.setQueryData(['import', appId, importId], answer);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['import', appId, importId] }),
        queryClient.invalidateQueries({ queryKey: ['import-rows', appId, importId] }),
        queryClient.invalidateQueries({ queryKey: ['imports', appId] }),
      ]);
    },
  });
}

/** The body of PUT …/mapping: fields per header, value mappings per header, combines (docs/vendor-migration.md). */
export interface MappingChange {
  mapping: Record<string, string | null>;
  values?: Record<string, Record<string, string>>;
  combines?: { sources: string[]; field: string; separator: string }[];
}

export function useSetMapping(appId: string, importId: string) {
  return useImportChange(appId, importId, (change: MappingChange) => api<ImportJob>(`/apps/${appId}/imports/${importId}/mapping`, { method: 'PUT', body: change }));
}

export function useAcceptFixes(appId: string, importId: string) {
  return useImportChange(appId, importId, (accept: string[]) => api<ImportJob>(`/apps/${appId}/imports/${importId}/fixes`, { method: 'POST', body: { accept } }));
}

export function useEditRow(appId: string, importId: string) {
  return useImportChange(appId, importId, ({ row, values }: { row: number; values: Record<string, string> }) =>
    api<ImportRow>(`/apps/${appId}/imports/${importId}/rows/${row}`, { method: 'PATCH', body: { values } }),
  );
}

/** PUT …/options: tags_mode, metadata_mode, invalid_cells; the preview is made again with them (docs/imports.md#merge-or-replace). */
export function useSetWriteOptions(appId: string, importId: string) {
  return useImportChange(appId, importId, (options: WriteOptions) => api<ImportJob>(`/apps/${appId}/imports/${importId}/options`, { method: 'PUT', body: options }));
}
