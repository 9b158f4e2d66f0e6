// Which channel variables FreeSWITCH sets at each step of a leg's life, in the order it sets them.
export type VarStep =
  | 'create'
  | 'progress'
  | 'progress_media'
  | 'answer'
  | 'bridge'
  | 'unbridge'
  | 'hangup'
  | 'hangup_complete'
  | 'destroy';
