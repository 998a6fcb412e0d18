import type { ReactNode } from 'react';
import type { Permission } from '../api/types.ts';

/**
 * Every page of the signed-in console, declared once: its route, its document title, who may open it and,
 * for the pages of the main navigation, its label there (in this order).
 */
export interface ConsolePage {
  path: string;
  title: string;
  element: ReactNode;
  /** The role must hold one of these; otherwise the page says so in words, and none of its requests is sent. */
  anyOf?: Permission[];
  /** What the page lets one do, to finish "Your role may not …". */
  purpose: string;
  /** Its label in the main navigation; pages without one are reached from other pages. */
  nav?: string;
}

export function mayOpen(page: ConsolePage, can: (permission: Permission) => boolean): boolean {
  return !page.anyOf || page.anyOf.some(can);
}

