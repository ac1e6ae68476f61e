import { createRoot } from 'react-dom/client';
import '../ui/theme.css';
import './account.css';
import { AccountApp } from './AccountApp';

createRoot(document.getElementById('root')!).render(<AccountApp />);
