/* AppArmor: lxc.apparmor.profile = generated | unconfined | NAME.
 *
 * "generated": a profile for the container, built here from
 * lxc.apparmor.allow_nesting and lxc.apparmor.raw, loaded with
 * apparmor_parser before init is cloned; init changes to it at its execve
 * (aa_change_onexec). On a host without AppArmor (this kernel has none)
 * "generated" is skipped with a notice, and a named profile is an error
 * unless lxc.apparmor.allow_incomplete = 1. */
#ifndef LXCMGR_SECURITY_APPARMOR_H
#define LXCMGR_SECURITY_APPARMOR_H

#include <stdbool.h>

#include "lxcmgr.h"

/* The kernel has AppArmor, enabled. */
bool aa_enabled(void);

/* The kernel's AppArmor mediates mounts (what a container profile relies
 * on); without it a profile is incomplete. */
bool aa_mediates_mounts(void);

/* "lxcmgr-NAME_LXCPATH", with characters a profile name cannot hold
 * replaced: malloc'd. */
char *aa_profile_name(const char *name, const char *lxcpath);

/* The text of the generated profile PROFILE (malloc'd); RAW: lines
 * appended inside it. */
char *aa_profile_text(const char *profile, bool allow_nesting, char *const *raw);

/* Loads (or replaces) the profile TEXT with apparmor_parser, its source
 * kept in DIR/NAME. 0 or -errno with ERR set. */
int aa_profile_load(const char *dir, const char *profile, const char *text, lxcmgr_error **err);

/* Makes the calling thread's next execve enter PROFILE: no allocation
 * (the attach child). 0 or -errno. */
int aa_exec_profile(const char *profile);

#endif
