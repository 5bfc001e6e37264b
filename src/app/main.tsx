import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AppContext } from './context';
import { Controller } from './controller';
import { createAppStore } from './store/store';
import './styles.css';

const store = createAppStore();
const controller = new Controller(store);
// For the end-to-end specs and the console: the store (plain data) and the controller.
Object.assign(window, { __codec: { store, controller } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppContext.Provider value={{ store, controller }}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
void controller.start(new URLSearchParams(location.search));
