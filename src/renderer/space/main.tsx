import { createRoot } from 'react-dom/client';
import '../ui/theme.css';
import '../ui/discover.css';
import { SpacePageApp } from './SpacePageApp';

createRoot(document.getElementById('root')!).render(<SpacePageApp />);
