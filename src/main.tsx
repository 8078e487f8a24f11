// NOTE: first, so that the session opens before anything else runs (see pageWorkspace).
import { pageWorkspace } from './pageWorkspace'
import { showInsecureContextProblem } from './network/secureContext'
import { whenWorthShowing } from './session/whenWorthShowing'
// NOTE: the page's styles, linked in its head (the UI's script is a chunk of its own).
import './ui/app/app.css'

if (pageWorkspace !== null) {
  const root = document.getElementById('root')
  if (root === null) throw new Error('index.html has no #root element')
  const { workspace, library, storedTopics } = pageWorkspace
  // NOTE: the UI's chunk is fetched with the page (a modulepreload link: vite.config.ts) but runs
  // only here; a first visit to a shared link (a document this browser does not hold) gets here
  // once the document is in.
  whenWorthShowing(workspace, (topic) => storedTopics.has(topic), () => {
    import('./ui/app/mountApp').then(
      ({ mountApp }) => mountApp(root, workspace, library),
      // NOTE: the session keeps running (and saving what arrives); the page says why it shows nothing.
      () =>
        showInsecureContextProblem(
          root,
          {
            title: 'Meshpad could not load its editor',
            explanation: 'Part of the app did not download: the connection dropped, or a new version replaced it on the server meanwhile.',
            remedies: ['Reload the page. Your documents are stored in this browser and will be there.'],
          },
          'app-load-problem',
        ),
    )
  })
}
