import { createRoot } from 'react-dom/client';
import '../ui/theme.css';
import { createStudio } from './createStudio';
import { exposeDebugHandles } from './debug';
import { StudioApp } from './StudioApp';

const session = createStudio();
exposeDebugHandles(session);
createRoot(document.getElementById('root')!).render(<StudioApp session={session} />);
void session.open();
