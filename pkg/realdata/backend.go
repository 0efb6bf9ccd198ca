package realdata

import (
	"github.com/gomlx/compute"

	"github.com/diffregimes/diffregimes/pkg/backend"
)

// Backend returns the process-wide backend (backend.Default), shared with the score, the
// classifier and the U-Net so that their tensors live on one backend instance.
func Backend() (compute.Backend, error) { return backend.Default() }

// MustBackend is Backend for notebooks: it panics on error.
func MustBackend() compute.Backend { return backend.MustDefault() }
