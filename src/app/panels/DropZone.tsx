/** A drop target with a file picker (and optionally a folder picker). */
import { useRef, useState } from 'react';
import type { FileEntry } from '../../worker/api';
import { fromDrop, fromInput } from '../draw/files';

export interface DropZoneProps {
  label: string;
  hint: string;
  accept?: string;
  folder?: boolean;
  disabled?: boolean;
  testId: string;
  onFiles: (files: FileEntry[]) => void;
}

export function DropZone({ label, hint, accept, folder, disabled, testId, onFiles }: DropZoneProps) {
  const [over, setOver] = useState(false);
  const files = useRef<HTMLInputElement>(null);
  const dir = useRef<HTMLInputElement>(null);
  return (
    <div
      className={`drop${over ? ' over' : ''}${disabled ? ' disabled' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (!disabled) void fromDrop(e.dataTransfer).then(onFiles);
      }}
    >
      <div className="drop-label">{label}</div>
      <div className="drop-hint">{hint}</div>
      <div className="drop-buttons">
        <button type="button" disabled={disabled} onClick={() => files.current?.click()} data-testid={`${testId}-pick`}>
          Choose files
        </button>
        {folder && (
          <button type="button" disabled={disabled} onClick={() => dir.current?.click()} data-testid={`${testId}-folder`}>
            Folder
          </button>
        )}
      </div>
      <input
        ref={files}
        type="file"
        multiple
        accept={accept}
        hidden
        data-testid={`${testId}-input`}
        onChange={(e) => {
          onFiles(fromInput(e.target.files));
          e.target.value = '';
        }}
      />
      {folder && (
        <input
          ref={dir}
          type="file"
          hidden
          data-testid={`${testId}-folder-input`}
          {...({ webkitdirectory: '', directory: '' } as object)}
          onChange={(e) => {
            onFiles(fromInput(e.target.files));
            e.target.value = '';
          }}
        />
      )}
    </div>
  );
}
