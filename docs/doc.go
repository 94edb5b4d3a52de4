// Package docs holds no code: its tests keep the README a front page and
// the links between the README and the pages of docs/ working.
package docs
