/* Starting a container init's mount namespace from corrald's empty-root one (see mount_base.c). */
#ifndef CORRAL_MOUNT_BASE_H
#define CORRAL_MOUNT_BASE_H
#include "spec.h"

/* Whether fd is a mount namespace (the one corrald passes; anything else is not used). */
int mount_base_valid(int fd);
/* Whether the container's setup can start from it (else it copies the host's namespace). */
int mount_base_fits(const struct spec *s);
/* In the host's mount namespace, after the other namespaces are joined: clones what the setup
   needs, enters a copy of base_fd's namespace and stages the clones there; points s's rootfs,
   proc pin and bind sources at the staged paths. */
int mount_base_enter(int base_fd, struct spec *s, struct err *err);

#endif
