import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AppContext } from './context';
import { Controller } from './controller';
import { createAppStore } from './store/store';
import { isRetinaHash } from './retina/route';
import './styles.css';

const store = createAppStore();
const controller = new Controller(store);
// For the end-to-end specs and the console: the store (plain data) and the controller.
Object.assign(window, { __codec: { store, controller } });

// #retina opens the model-retina view (issue 7) instead of the explorer; switching reloads.
const retina = isRetinaHash(location.hash);
const RetinaView = lazy(() => import('./retina/RetinaView').then((m) => ({ default: m.RetinaView })));
window.addEventListener('hashchange', () => {
  if (isRetinaHash(location.hash) !== retina) location.reload();
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {retina ? (
      <Suspense fallback={null}>
        <RetinaView />
      </Suspense>
    ) : (
      <AppContext.Provider value={{ store, controller }}>
        <App />
      </AppContext.Provider>
    )}
  </StrictMode>,
);
if (!retina) void controller.start(new URLSearchParams(location.search));
