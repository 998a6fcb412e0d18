import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { ApiError } from './api/client.ts';
import { App } from './app.tsx';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Data is stale at once, so coming back to a page (Users from a user's page) fetches it again while
      // the last answer stays on screen: a list never shows what was true before a change made elsewhere
      // (through the API, by another operator). Mutations also invalidate what they change.
      staleTime: 0,
      refetchOnMount: true,
      refetchOnWindowFocus: false,
      // Retrying a refusal (4xx) only repeats it; a network blip deserves another try.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
