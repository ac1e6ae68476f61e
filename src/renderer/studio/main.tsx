import { createRoot } from 'react-dom/client';
import '../ui/theme.css';
import { StudioApp } from './StudioApp';

createRoot(document.getElementById('root')!).render(<StudioApp />);
