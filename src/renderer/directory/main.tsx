import { createRoot } from 'react-dom/client';
import '../ui/theme.css';
import '../ui/discover.css';
import { DirectoryApp } from './DirectoryApp';

createRoot(document.getElementById('root')!).render(<DirectoryApp />);
