/** A fieldset of checkboxes choosing some of `options` (user statuses to filter by, a webhook's events). */
export function CheckGroup<T extends string>({
  legend,
  options,
  selected,
  onChange,
  label = (option) => option,
}: {
  legend: string;
  options: readonly T[];
  selected: readonly T[];
  onChange(next: T[]): void;
  label?(option: T): string;
}) {
  const toggle = (option: T, on: boolean) => onChange(on ? [...selected, option] : selected.filter((item) => item !== option));
  return (
    <fieldset className="field">
      <legend>{legend}</legend>
      <div className="checks">
        {options.map((option) => (
          <label key={option} className="check">
            <input type="checkbox" checked={selected.includes(option)} onChange={(event) => toggle(option, event.target.checked)} />
            {label(option)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
