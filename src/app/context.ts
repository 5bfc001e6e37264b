/** React access to the store and the controller (one of each per page). */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Controller } from './controller';
import type { AppState, AppStore } from './store/store';

export const AppContext = createContext<{ store: AppStore; controller: Controller } | null>(null);

function useCtx() {
  const c = useContext(AppContext);
  if (!c) throw new Error('AppContext: no provider above this component.');
  return c;
}

/** A narrow selection of the store; the component re-renders when it changes. */
export function useApp<T>(select: (s: AppState) => T): T {
  return useStore(useCtx().store, select);
}

export function useController(): Controller {
  return useCtx().controller;
}
