import { StatementFormatError } from '../statement-error';

/**
 * Splits a SWIFT MT file (MT940, MT942; with or without the {1:}{2:}{4: … -} envelope) into
 * messages and each message into its tags, keeping the line every tag starts on so a parser can
 * say where a file is wrong. A tag runs from its `:NNa:` line to the next tag; lines in between
 * continue it (field 86 spans several lines).
 */

export interface SwiftTag {
  /** Tag with its option letter: `20`, `28C`, `60F`, `61`, `86`, `NS`. */
  readonly id: string;
  /** 1-based line of the `:NNa:` line. */
  readonly line: number;
  /** The content after `:NNa:`, continuation lines joined with "\n". */
  readonly value: string;
}

export interface SwiftMessage {
  /** 1-based line where the message starts. */
  readonly line: number;
  /** Message type from block 2 (`940`, `942`), when the file has the envelope. */
  readonly messageType?: string;
  /** BIC of the sending bank from block 1 or 2, when the file has the envelope. */
  readonly senderBic?: string;
  readonly tags: SwiftTag[];
}

const TAG_LINE = /^:([0-9]{2}[A-Z]?|NS):/;

/**
 * Parses the envelope and tags. Throws {@link StatementFormatError} (format `format`) for text
 * before the first tag that is not an envelope, and for a file without any tag.
 */
export function splitSwiftMessages(text: string, format: 'mt940' | 'mt942'): SwiftMessage[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const messages: SwiftMessage[] = [];
  let current: { line: number; messageType?: string; senderBic?: string; tags: SwiftTag[]; enveloped: boolean } | undefined;
  let tag: { id: string; line: number; parts: string[] } | undefined;

  const closeTag = (): void => {
    if (tag && current) current.tags.push({ id: tag.id, line: tag.line, value: tag.parts.join('\n') });
    tag = undefined;
  };
  const closeMessage = (): void => {
    closeTag();
    if (current && current.tags.length > 0) {
      const { enveloped: _enveloped, ...message } = current;
      messages.push(message);
    }
    current = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let raw = lines[i]!.replace(/\s+$/, '');
    if (raw === '') continue;
    if (raw.startsWith('{')) {
      // Envelope: {1:…}{2:…}{3:…}{4: starts a message; -}{5:…} ends block 4.
      if (raw.includes('{1:') || raw.includes('{2:') || !current) {
        closeMessage();
        current = { line, tags: [], enveloped: true, ...envelopeFields(raw) };
      }
      const block4 = raw.indexOf('{4:');
      if (block4 < 0) continue;
      raw = raw.slice(block4 + 3);
      if (raw === '') continue;
    }
    if (raw === '-' || raw.startsWith('-}')) {
      closeMessage();
      continue;
    }
    const match = TAG_LINE.exec(raw);
    if (match) {
      const id = match[1]!;
      if (id === '20' && current && current.tags.some((t) => t.id === '20') && !current.enveloped) closeMessage();
      if (!current) current = { line, tags: [], enveloped: false };
      closeTag();
      tag = { id, line, parts: [raw.slice(match[0].length)] };
      continue;
    }
    if (!tag) {
      throw new StatementFormatError(format, `line ${line}`, `expected a SWIFT tag such as :20: or the {1:…} envelope, got ${JSON.stringify(raw.slice(0, 40))}`);
    }
    tag.parts.push(raw);
  }
  closeMessage();
  if (messages.length === 0) throw new StatementFormatError(format, 'line 1', 'no SWIFT message found (no :20: tag)');
  return messages;
}

/** Message type and sender BIC from an envelope line such as `{1:F01BANKDEFFAXXX…}{2:O940…}`. */
function envelopeFields(raw: string): { messageType?: string; senderBic?: string } {
  const block1 = /\{1:F01([A-Z0-9]{12})/.exec(raw);
  const block2 = /\{2:([IO])([0-9]{3})([A-Z0-9]*)/.exec(raw);
  let senderLt: string | undefined;
  if (block2 && block2[1] === 'O' && block2[3]!.length >= 26) senderLt = block2[3]!.slice(14, 26);
  else if (block1) senderLt = block1[1];
  const out: { messageType?: string; senderBic?: string } = {};
  if (block2) out.messageType = block2[2]!;
  if (senderLt) out.senderBic = bicOfLogicalTerminal(senderLt);
  return out;
}

/** A 12-character logical terminal address (BIC8 + terminal letter + branch) → BIC11. */
function bicOfLogicalTerminal(lt: string): string {
  return lt.slice(0, 8) + lt.slice(9, 12);
}

/** Field 25 `BIC/account` or a plain account → account id and the BIC if the prefix is one. */
export function splitAccountIdentification(value: string): { id: string; bic?: string } {
  const trimmed = value.trim();
  const slash = trimmed.indexOf('/');
  if (slash > 0) {
    const prefix = trimmed.slice(0, slash);
    if (/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(prefix)) return { id: trimmed.slice(slash + 1).trim(), bic: prefix };
  }
  return { id: trimmed };
}
