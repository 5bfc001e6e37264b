/**
 * The app's one store (zustand vanilla `createStore`, so it runs in Node tests too), built from
 * typed slices. It holds plain data and TypedArrays only: no tensors, no worker objects.
 */
import { createStore } from 'zustand/vanilla';
import { createAblationSlice, type AblationSlice } from './ablationSlice';
import { createDataSlice, type DataSlice } from './dataSlice';
import { createJobSlice, type JobSlice } from './jobSlice';
import { createPanelSlice, type PanelSlice } from './panelSlice';
import { createSteerSlice, type SteerSlice } from './steerSlice';
import { createViewSlice, type ViewSlice } from './viewSlice';

export type AppState = DataSlice & ViewSlice & JobSlice & PanelSlice & AblationSlice & SteerSlice;

export function createAppStore() {
  return createStore<AppState>()((...a) => ({
    ...createDataSlice(...a),
    ...createViewSlice(...a),
    ...createJobSlice(...a),
    ...createPanelSlice(...a),
    ...createAblationSlice(...a),
    ...createSteerSlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
