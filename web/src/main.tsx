import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { i18nReady } from './i18n';
import { OrganizationProvider, prefetchOrganization } from './organization';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

// The first page waits for its language's texts, which load beside its area's code and the organization.
prefetchOrganization();
await i18nReady;
createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <OrganizationProvider>
        <App />
      </OrganizationProvider>
    </BrowserRouter>
  </StrictMode>,
);
