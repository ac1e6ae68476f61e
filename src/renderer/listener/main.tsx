import { createRoot } from 'react-dom/client';
import '../ui/theme.css';
import { ListenerApp } from './ListenerApp';

createRoot(document.getElementById('root')!).render(<ListenerApp />);
