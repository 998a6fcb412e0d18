import { NavLink } from 'react-router-dom';

/** The import pages' tabs: a users file (CSV), the history, and bulk faces (a ZIP of images). */
export function ImportTabs() {
  return (
    <nav className="import-tabs" aria-label="Import">
      <NavLink to="/imports/new">Users file</NavLink>
      <NavLink to="/imports" end>
        History
      </NavLink>
      <NavLink to="/imports/faces">Faces</NavLink>
    </nav>
  );
}
