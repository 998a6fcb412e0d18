import { useEffect, useId, useRef, useState } from 'react';
import type { UserFilters, UserStatus } from '../api/types.ts';
import { userStatuses } from '../shared/columns.ts';
import { splitList } from '../shared/format.ts';
import { CheckGroup } from './check-group.tsx';

export const emptyFilters: UserFilters = { status: [], country: [], tags: [], search: '', created_after: '', created_before: '' };

export function filtersFromParams(params: URLSearchParams): UserFilters {
  return {
    status: params.getAll('status').filter((status): status is UserStatus => (userStatuses as readonly string[]).includes(status)),
    country: params.getAll('country'),
    tags: params.getAll('tags'),
    search: params.get('search') ?? '',
    created_after: params.get('created_after') ?? '',
    created_before: params.get('created_before') ?? '',
  };
}

export function filtersToParams(filters: UserFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const status of filters.status) params.append('status', status);
  for (const country of filters.country) params.append('country', country);
  for (const tag of filters.tags) params.append('tags', tag);
  if (filters.search) params.set('search', filters.search);
  if (filters.created_after) params.set('created_after', filters.created_after);
  if (filters.created_before) params.set('created_before', filters.created_before);
  return params;
}

export function hasFilters(filters: UserFilters): boolean {
  return filtersToParams(filters).toString() !== '';
}

/**
 * Typing should not fire a request per key; the list follows the text once typing pauses.
 * `normalize` turns a draft into the value it stands for, so applying "ESP," does not rewrite what is being typed.
 */
function useDebouncedText(value: string, apply: (text: string) => void, normalize: (text: string) => string = (text) => text, delayMs = 350) {
  const [draft, setDraft] = useState(value);
  const latest = useRef({ apply, normalize });
  latest.current = { apply, normalize };
  useEffect(() => setDraft((current) => (latest.current.normalize(current) === value ? current : value)), [value]);
  useEffect(() => {
    if (normalize(draft) === value) return;
    const timer = window.setTimeout(() => latest.current.apply(draft), delayMs);
    return () => window.clearTimeout(timer);
  }, [draft, value, delayMs, normalize]);
  const flush = () => {
    if (latest.current.normalize(draft) !== value) latest.current.apply(draft);
  };
  return [draft, setDraft, flush] as const;
}

const normalizeCountries = (text: string) => splitList(text).map((code) => code.toUpperCase()).join(', ');
const normalizeTags = (text: string) => splitList(text).join(', ');

interface Props {
  value: UserFilters;
  onChange(filters: UserFilters): void;
}

/** The users page and the export form filter with the same controls, so "the same filters" holds. */
export function UserFiltersForm({ value, onChange }: Props) {
  const id = useId();
  const [search, setSearch, flushSearch] = useDebouncedText(value.search, (search) => onChange({ ...value, search }));
  const [country, setCountry, flushCountry] = useDebouncedText(
    value.country.join(', '),
    (text) => onChange({ ...value, country: splitList(text).map((code) => code.toUpperCase()) }),
    normalizeCountries,
  );
  const [tags, setTags, flushTags] = useDebouncedText(value.tags.join(', '), (text) => onChange({ ...value, tags: splitList(text) }), normalizeTags);

  return (
    <div className="filters">
      <div className="field field-wide">
        <label htmlFor={`${id}-search`}>Search</label>
        <input
          id={`${id}-search`}
          type="search"
          placeholder="vendor data, name or email"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => event.key === 'Enter' && flushSearch()}
        />
      </div>
      <CheckGroup legend="Status" options={userStatuses} selected={value.status} onChange={(status) => onChange({ ...value, status })} label={(status) => status.charAt(0) + status.slice(1).toLowerCase()} />
      <div className="field">
        <label htmlFor={`${id}-country`}>Country</label>
        <input
          id={`${id}-country`}
          placeholder="ESP, FRA"
          value={country}
          aria-describedby={`${id}-country-hint`}
          onChange={(event) => setCountry(event.target.value)}
          onBlur={flushCountry}
          onKeyDown={(event) => event.key === 'Enter' && flushCountry()}
        />
        <small id={`${id}-country-hint`} className="hint">
          ISO alpha-3, comma separated
        </small>
      </div>
      <div className="field">
        <label htmlFor={`${id}-tags`}>Tags</label>
        <input
          id={`${id}-tags`}
          placeholder="vip, migrated"
          value={tags}
          aria-describedby={`${id}-tags-hint`}
          onChange={(event) => setTags(event.target.value)}
          onBlur={flushTags}
          onKeyDown={(event) => event.key === 'Enter' && flushTags()}
        />
        <small id={`${id}-tags-hint`} className="hint">
          any of them
        </small>
      </div>
      <div className="field">
        <label htmlFor={`${id}-after`}>Created from</label>
        <input id={`${id}-after`} type="date" value={value.created_after} onChange={(event) => onChange({ ...value, created_after: event.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-before`}>Created before</label>
        <input id={`${id}-before`} type="date" value={value.created_before} onChange={(event) => onChange({ ...value, created_before: event.target.value })} />
      </div>
      {hasFilters(value) && (
        <div className="field field-action">
          <button type="button" className="button-link" onClick={() => onChange(emptyFilters)}>
            Clear filters
          </button>
        </div>
      )}
    </div>
  );
}
