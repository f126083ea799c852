// Package app is the application layer: one method per use case (sign in,
// show a message, serve its body document, run a list action, manage
// folders, save settings, compose and send), between the HTTP layer
// (handlers) and the packages that hold state or talk to servers (mail,
// store, session, attachments).
//
// Methods take typed inputs and return typed outputs; nothing here knows
// echo or net/http. A failure the user must understand is an *Error with a
// Code and a safe Message; handlers maps codes to HTTP statuses in one
// place. Any other error is an internal failure: logged, never shown.
//
// GoToSocial's internal/processing is the model: the HTTP handlers parse a
// request, call one method here, and render its result.
package app
