// The registry codes the Mesa's rules name (db/registry.seed.json holds the rest). Pure data, so
// workflows and queries read the same codes.

/** The Technical Secretariat: it decides task requests, verifies results and watches every deadline. */
export const secretariat = 'SECRETARIA';

/** The coordination commission with civil society: an OSC takes part in consultations through it. */
export const civilSocietyCommission = 'CC-OSC';
