// Live captions: the host turns them on or off, speakers may decline, anyone shows them, the host
// names caption editors, and hosts and editors correct or hide final lines. Lines arrive as one event
// type, `caption.line`, only to those who show captions.
import { z } from 'zod';
import { CAPTION_EDITORS, EVERY_MEMBER, HOST, HOSTS } from '../access.js';
import { CaptionLineSchema, CaptionStateSchema, CaptionTextSchema } from '../captions.js';
import { feature, request } from './define.js';
import { Done } from './fields.js';

const LineId = z.string().min(1).max(64);

export const captions = feature({
  requests: {
    /** Hosts: turn live captions on or off for the Space. */
    'captions.settings': request({ data: z.strictObject({ enabled: z.boolean() }), reply: Done, access: HOSTS }),
    /** Anyone: show captions (receive `caption.line`) or stop; turning them on answers the latest lines. */
    'captions.show': request({ data: z.strictObject({ show: z.boolean() }), reply: z.object({ lines: z.array(CaptionLineSchema) }), access: EVERY_MEMBER }),
    /** Anyone: decline to be captioned (your lines are never produced), or allow it again. */
    'captions.decline': request({ data: z.strictObject({ declined: z.boolean() }), reply: Done, access: EVERY_MEMBER }),
    /** Host only: name another member caption editor (they may correct and hide lines), or take it back. */
    'captions.editor': request({ data: z.strictObject({ memberId: z.string().min(1).max(64), editor: z.boolean() }), reply: Done, access: HOST, target: 'other' }),
    /** Host, co-hosts and caption editors: replace a final line's text. */
    'captions.correct': request({ data: z.strictObject({ lineId: LineId, text: CaptionTextSchema }), reply: Done, access: CAPTION_EDITORS }),
    /** Host, co-hosts and caption editors: hide a final line (or show it again). */
    'captions.hide': request({ data: z.strictObject({ lineId: LineId, hidden: z.boolean() }), reply: Done, access: CAPTION_EDITORS }),
  },
  events: {
    /** A caption line, new or changed: partial, final, corrected or hidden (highest revision wins). */
    'caption.line': CaptionLineSchema,
    /** Where captions stand: on/off, load, editors, who declined, and this member's own choices. */
    'captions.state': CaptionStateSchema,
  },
});
