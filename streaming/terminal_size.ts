// A terminal's size as the remote-command protocols carry it (the resize channel's message).

export interface TerminalSize {
  width: number;
  height: number;
}
