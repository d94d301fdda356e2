// Virtual extension members (spec §2.29, §4.2): the real extensions a VIRTUAL extension rings.

export interface VirtualMember {
  /** The member (real) extension. */
  ex_id: number;
  ex_number: string;
  ex_name: string;
  ex_username: string;
}
