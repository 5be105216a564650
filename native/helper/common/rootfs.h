/* Builds the container's mount tree over spec->rootfs and enters it (pivot_root or chroot). */
#ifndef CORRAL_ROOTFS_H
#define CORRAL_ROOTFS_H
#include "spec.h"

int rootfs_setup(const struct spec *s, struct err *err);

#endif
