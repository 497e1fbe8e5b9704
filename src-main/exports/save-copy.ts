// The desktop app's delivery of an export: the save dialog, a copy written atomically where the person chose, and
// then that file shown in its folder. Electron supplies the dialog and the file manager (electron/main.ts); the
// rest is here, where the tests reach it. The file comes through exports.download, so the same rule decides who
// may have it, and the hand-over is audited there.
import { errorEnvelope, okEnvelope, type Envelope } from '../../src-shared/errors';
import { type SavedExport } from '../../src-shared/contract';
import { type ExportDownloadView } from '../../src-shared/schemas/exports';
import { writeFileAtomically } from './csv-files';

/** exports.download, called as the asking window's session. */
export type DownloadCall = (input: unknown) => Promise<Envelope<unknown>>;

export interface DesktopExportDeps {
  /** The save dialog, opened on the export's name; null when the person closes it. */
  chooseTarget(fileName: string): Promise<string | null>;
  /** Shows the file selected in the system's file manager. */
  reveal(path: string): void;
}

export interface DesktopExportService {
  save(fileName: unknown, download: DownloadCall): Promise<Envelope<SavedExport>>;
  /** Only for a path `save` wrote: a page may not make the app open anything else. */
  showInFolder(path: unknown): Envelope<null>;
}

export function createDesktopExports(deps: DesktopExportDeps): DesktopExportService {
  const saved = new Set<string>();
  return {
    async save(fileName, download) {
      const downloaded = (await download({ fileName })) as Envelope<ExportDownloadView>;
      if (!downloaded.ok) return downloaded;
      const target = await deps.chooseTarget(downloaded.value.fileName);
      if (target === null) return okEnvelope({ savedPath: null });
      try {
        writeFileAtomically(target, Buffer.from(downloaded.value.content, 'utf8'));
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        return errorEnvelope('CONFLICT', `The export could not be saved to ${target} (${reason}); choose another folder.`);
      }
      saved.add(target);
      return okEnvelope({ savedPath: target });
    },
    showInFolder(path) {
      if (typeof path !== 'string' || !saved.has(path)) return errorEnvelope('NOT_FOUND', 'This app saved no export there.');
      deps.reveal(path);
      return okEnvelope(null);
    },
  };
}
