#!/usr/bin/env bash
esac
