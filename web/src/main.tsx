import './i18n';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { OrganizationProvider } from './organization';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <OrganizationProvider>
        <App />
      </OrganizationProvider>
    </BrowserRouter>
  </StrictMode>,
);
