# syntax=docker/dockerfile:1
#
# One image per ontology version: the vaardig image with the ontology baked into a layer of its own.
# The image is immutable, so the version a replica serves is the image it runs; put the ontology
# version in the tag and roll it out like any image (docs/deploy.md, "Rollouts").
#
# The build context is the folder holding the sources, e.g. `esco/` (an ESCO CSV export) and
# `register/` (a vaardig bundle); they are layered in the order VAARDIG_SERVER_ONTOLOGY gives:
#
#   docker build -f deploy/ontology.Dockerfile --build-arg VAARDIG_IMAGE=vaardig:0.1.0 \
#     -t vaardig:0.1.0-esco-1.1.1-register-2026-12 /path/to/ontology-folder

ARG VAARDIG_IMAGE=vaardig:latest
FROM ${VAARDIG_IMAGE}
COPY . /srv/vaardig/ontology/
ENV VAARDIG_SERVER_ONTOLOGY=/srv/vaardig/ontology/esco,/srv/vaardig/ontology/register,embedded
