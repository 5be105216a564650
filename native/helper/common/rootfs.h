/* Builds the container's mount tree over spec->rootfs and enters it (pivot_root or chroot). */
#ifndef CORRAL_ROOTFS_H
#define CORRAL_ROOTFS_H
#include "spec.h"

/* userns_fd >= 0: the pod's user namespace: the rootfs is idmapped with its mapping, and it is
   joined (as its root) once the rootfs is entered. */
int rootfs_setup(const struct spec *s, int userns_fd, struct err *err);
/* Mounts the snapshot overlay at spec->rootfs again over layers idmapped by the user namespace;
   needs fs_ids_as_container_root (overlayfs works on its upper layer as its mounter). */
int idmapped_rootfs(const struct spec *s, int userns_fd, struct err *err);

/* The propagation "/" gets before the rootfs is built: MS_REC with MS_PRIVATE, MS_SLAVE or MS_SHARED. */
unsigned long root_propagation(const struct spec *s);

/* The host id that id maps to through an id map ("<inside> <host> <size>" lines); -1: unmapped. */
long host_id_of(const char *map, unsigned long id);

/* File ids of the container's root on the host (keeping root's capabilities): what is made in an
   idmapped rootfs must map through it. */
int fs_ids_as_container_root(const struct spec *s, struct err *err);
void fs_ids_as_host_root(void);

#endif
