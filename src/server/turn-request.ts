import type { IncomingMessage } from 'node:http';
import { AudioDecodeError, decodeAsEngineAudio, pictureUnsupportedSaid, type InputError, type PictureInput, type RecordingDecoder, type Settings } from '../engine';
import { englishT, messageWords } from '../shared/i18n';
import { BodyTooLarge, readBody } from './guard';
import { Refusal } from './refusal';

/**
 * What a `POST /v1/turn` asks for, read from its body:
 * - a recording (`audio/*`, `application/octet-stream`, `video/mp4`), as before;
 * - `text/plain; charset=utf-8`: typed words, answered aloud like a recording;
 * - `multipart/form-data`: an `audio` part (a recording) or a `text` part (words), and any number
 *   of `image` parts up to MAX_IMAGES, shown to the model before the turn.
 * Anything wrong is a Refusal (status, code, one English line) before the conversation is touched;
 * the words and the pictures themselves are checked by the engine's turn, before it sends anything.
 */

/** What the engine's one-turn conversation takes (TurnInput): a recording or words, and pictures. */
export type TurnRequest = ({ audio: Int16Array } | { text: string }) & { pictures: PictureInput[] };

/** Pictures one turn may carry. */
export const MAX_IMAGES = 8;

const RECORDING_TYPES = /^(audio\/[\w.+-]+|application\/octet-stream|video\/mp4)$/;
const FORM_PARTS = ['audio', 'text', 'image'];

/** The media type of a request, lower case, without its parameters ('' when none is given). */
export function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Refuses, from the headers alone, a body the endpoint cannot take. */
export function checkMediaType(request: IncomingMessage): void {
  const type = mediaType(request);
  if (type === '' || RECORDING_TYPES.test(type) || type === 'multipart/form-data') return;
  if (type === 'text/plain') {
    const charset = /;\s*charset="?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset === undefined || charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii') return;
    throw new Refusal(415, 'media-type', `send text/plain in UTF-8 (charset=utf-8), not ${charset}`);
  }
  throw new Refusal(415, 'media-type', `send a recording (audio/*), words (text/plain) or a form (multipart/form-data), not ${type}`);
}

export async function readTurnRequest(request: IncomingMessage, maxBodyBytes: number, decodeAac?: RecordingDecoder): Promise<TurnRequest> {
  let body: Buffer;
  try {
    body = await readBody(request, maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw new Refusal(413, 'too-large', error.message);
    throw error;
  }
  const type = mediaType(request);
  if (type === 'text/plain') return { text: words(body), pictures: [] };
  if (type === 'multipart/form-data') return readForm(body, request.headers['content-type']!, decodeAac);
  if (body.length === 0) throw new Refusal(400, 'empty', 'the request has no recording');
  return { audio: await recording(body, decodeAac), pictures: [] };
}

/** A recording in any format audio/decode reads, as engine audio. */
async function recording(bytes: Uint8Array, decodeAac: RecordingDecoder | undefined): Promise<Int16Array> {
  try {
    return await decodeAsEngineAudio(bytes, undefined, decodeAac);
  } catch (error) {
    if (!(error instanceof AudioDecodeError)) throw error;
    throw new Refusal(error.unsupported ? 415 : 400, error.unsupported ? 'media-type' : 'bad-recording', error.message);
  }
}

/** The words of a text/plain body or a form's `text` part, in UTF-8 (whether they can be a turn is the engine's to say). */
function words(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Refusal(400, 'bad-text', 'the words are not valid UTF-8');
  }
}

async function readForm(body: Buffer, contentType: string, decodeAac: RecordingDecoder | undefined): Promise<TurnRequest> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new Refusal(400, 'bad-form', 'cannot read the multipart/form-data body (its boundary or its parts)');
  }
  const named = (name: string) => form.getAll(name);
  const unknown = [...new Set(form.keys())].find((name) => !FORM_PARTS.includes(name));
  if (unknown !== undefined) throw new Refusal(400, 'bad-form', `unknown part '${unknown}': send an audio or a text part, and image parts`);
  const [audio, text] = [named('audio'), named('text')];
  if (audio.length + text.length === 0) throw new Refusal(400, 'empty', 'the form has no audio part and no text part');
  if (audio.length + text.length > 1) throw new Refusal(400, 'bad-form', 'send one audio part or one text part, not several');

  const images = named('image');
  if (images.length > MAX_IMAGES) throw new Refusal(400, 'too-many-images', `at most ${MAX_IMAGES} image parts a turn (got ${images.length})`);
  const pictures = await Promise.all(
    images.map(async (part, index): Promise<PictureInput> => {
      if (typeof part === 'string') throw new Refusal(400, 'bad-image', `image ${index + 1} is a text field; send the picture as a file part`);
      return { data: new Uint8Array(await part.arrayBuffer()), source: 'endpoint', ...(part.name ? { name: part.name } : {}) };
    }),
  );
  const [part] = audio.length > 0 ? audio : text;
  const bytes = typeof part === 'string' ? new TextEncoder().encode(part) : new Uint8Array(await part!.arrayBuffer());
  if (audio.length > 0) {
    if (bytes.length === 0) throw new Refusal(400, 'empty', 'the audio part is empty');
    return { audio: await recording(bytes, decodeAac), pictures };
  }
  return { text: words(bytes), pictures };
}

/** A turn with pictures for a conversation that cannot take them is refused from the settings, before anything opens. */
export function checkPicturesTaken(asked: TurnRequest, settings: Settings): void {
  const unsupported = asked.pictures.length > 0 ? pictureUnsupportedSaid(settings) : null;
  if (unsupported) throw new Refusal(400, 'pictures-unsupported', messageWords(englishT(), unsupported));
}

/** What the engine refused of a turn (a picture, the words: nothing was sent), as the client's refusal. */
export function refusalOf(error: InputError): Refusal {
  const code = error.said.key === 'notice.typedEmpty' ? 'empty' : error.said.key === 'notice.typedTooLong' ? 'too-long' : 'bad-image';
  return new Refusal(400, code, messageWords(englishT(), error.said));
}
