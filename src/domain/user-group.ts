// User groups (spec §2.28, §4.1): a named set of tenants and web users; a member with
// "inherit" on is given the group's tenants. Global objects (admin key only).

export interface UserGroup {
  ug_id: number;
  ug_name: string;
  ug_description: string;
}

export interface UserGroupMember {
  us_id: number;
  us_username: string;
  /** `on` when the user inherits the group's tenants, else ''. */
  gu_inherit: string;
}
