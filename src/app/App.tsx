/** The page: header, sidebar (load and analyze), banner, and the four linked panels. */
import { Banner } from './panels/Banner';
import { ClassMatrixPanel } from './panels/ClassMatrix';
import { Header } from './panels/Header';
import { ImagePanel } from './panels/ImagePanel';
import { LayerTrends } from './panels/LayerTrends';
import { JobBar, LoadPanel } from './panels/LoadPanel';
import { ModeGridPanel } from './panels/ModeGrid';
import { AblationPanel } from './panels/AblationPanel';
import { SweepPanel } from './panels/SweepPanel';

export function App() {
  return (
    <div className="app">
      <Header />
      <LoadPanel />
      <main className="main">
        <Banner />
        <JobBar />
        <div className="grid">
          <LayerTrends />
          <ClassMatrixPanel />
          <ModeGridPanel />
          <ImagePanel />
        </div>
        <div className="grid2">
          <AblationPanel />
          <SweepPanel />
        </div>
      </main>
    </div>
  );
}
