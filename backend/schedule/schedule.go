// Package schedule publishes planned posts when they are due, each exactly
// once, through crashes, system sleep, lost connections and clock jumps,
// and keeps a log of what happened for the user.
//
// # Model
//
// A Job is one variant of a post to publish to one account at one time.
// Jobs are records in store.TableJob (versioned JSON). The engine finds
// what to do next through the key-only index store.IndexJobDue, ordered by
// the big-endian time of the job's next action (its due time, a retry, a
// verification, a network probe): the first key is the next thing to do.
// It sleeps on one alarm until then and is woken by changes to the plan;
// it never polls.
//
// # Exactly once
//
// Every job carries an idempotency Key, chosen when it is planned and
// never changed, that every attempt sends to the network: Mastodon's
// Idempotency-Key header, Bluesky's record key. Before each network call
// the attempt is recorded durably as "sending" (and listed in
// store.IndexJobSending); its outcome is recorded after. A process that
// dies in between leaves the attempt "sending": at the next start it
// becomes "to verify", and the engine asks the network (Publisher.Verify)
// whether the post exists before publishing again. An error whose outcome
// is unknown (the connection dropped after the request was sent, a 5xx
// other than 503) also leads to a verification, never to a blind retry.
//
// Retries with exponential backoff and jitter happen only for errors known
// to be safe: the request never left the machine (network.ErrNotSent), 429
// with Retry-After, 503. Permanent errors (revoked token, refused text,
// refused image) fail the job with a Failure code and the action the user
// must take. A post's variants are independent jobs: one failing network
// holds nothing else.
//
// # Time
//
// Due times are stored in UTC with the IANA zone beside them. The alarm
// fires on the wall clock (on Linux a CLOCK_REALTIME timerfd, which also
// wakes on clock changes and after a suspend), so a post due while the
// machine slept is seen as soon as it wakes. Jumps of the wall clock are
// detected by comparing wall and monotonic elapsed time at every wake-up.
// A job found more than the workspace's LatePolicy.Minutes late at its
// first attempt is not published: it waits in "needs_decision" and the
// user is told.
//
// # Offline
//
// A request that could not leave the machine marks its server offline:
// its jobs wait in "waiting_network" while one cheap TCP probe per server
// is tried with exponential backoff, and go out when it answers.
// DueWithin lists what Relais itself must send soon, for a warning when
// the user quits.
//
// # Hand-off
//
// A job planned with HandOff, on a network whose publisher is also a
// HandOffer (Mastodon's scheduled_at), is given to the network at once
// and shows "handed_off": it goes out with Relais closed. Reschedule
// moves the held post; planning the job again (its content may have
// changed), PublishNow, or a due time closer than HandOffMin cancels it
// at the network and starts again; Unplan cancels it. After the due time
// the engine looks for the post and marks the job published.
package schedule

import (
	"context"
	"errors"
	"time"

	"relais/backend/account"
	"relais/backend/network"
)

// Errors. Test with errors.Is.
var (
	ErrNotFound    = errors.New("schedule: job not found")
	ErrStarted     = errors.New("schedule: the job is being published or was published")
	ErrInvalid     = errors.New("schedule: invalid job")
	ErrNoPublisher = errors.New("schedule: no publisher for this network")
	// ErrGone is what Content.Load returns for a post or variant that
	// no longer exists: the job is cancelled.
	ErrGone = errors.New("schedule: post or variant gone")
	// ErrVisualGone is what Content.Load wraps when a visual the variant
	// uses is no longer in the library: the user must edit the post.
	ErrVisualGone = errors.New("schedule: a visual of the post is gone")
)

// State is where a job stands.
type State string

// States.
const (
	StateScheduled      State = "scheduled"       // waiting for its due time (or a retry)
	StateSending        State = "sending"         // an attempt is in flight
	StateToVerify       State = "to_verify"       // an attempt's outcome is unknown: the network will be asked
	StatePublished      State = "published"       // it is live: Result holds where
	StateFailed         State = "failed"          // a permanent error: Failure says why and what to do
	StateWaitingNetwork State = "waiting_network" // the network is unreachable; it goes out when it returns
	StateNeedsDecision  State = "needs_decision"  // found too late (after a sleep): the user decides
	StateCancelled      State = "cancelled"       // unplanned, or its post is gone
	StateHandedOff      State = "handed_off"      // the network holds it until its time (Mastodon scheduled_at)
)

// Action is what the user must do about a failure.
type Action string

// Actions.
const (
	ActionReconnect     Action = "reconnect"     // reconnect the account, then retry
	ActionFixText       Action = "fixText"       // edit the text, then retry
	ActionPickRendition Action = "pickRendition" // choose another image rendition
	ActionRetry         Action = "retry"         // try again later
	ActionUnlock        Action = "unlock"        // unlock the accounts (passphrase), then retry
	ActionEditPost      Action = "editPost"      // change the post (a visual is gone), then retry
)

// Failure codes (stable; the UI translates them).
const (
	CodeRevoked       = "revoked"
	CodeInvalidText   = "invalid_text"
	CodeMediaRejected = "media_rejected"
	CodeRejected      = "rejected"     // the network refused for another reason
	CodeUnavailable   = "unavailable"  // still failing after the retries
	CodeRateLimited   = "rate_limited" // still rate limited after the retries
	CodeNoPublisher   = "no_publisher"
	CodeContent       = "content"      // the post could not be read
	CodeAccount       = "account"      // the account could not be read
	CodeHandOffLost   = "handoff_lost" // the network no longer holds a handed-off post, and it did not go out
	CodeLocked        = "locked"       // the accounts were locked (passphrase not typed) when it was due
	CodeVisualGone    = "visual_gone"  // a visual of the post was deleted from the library
)

// Failure.Reason carries only what a network said, for the user to read
// as such; failures found on this side (a locked vault, a deleted visual)
// have their own code and sentence, and their detail goes to the log.

// Attempt outcomes.
const (
	OutcomeSending     = "sending"     // recorded before the call; still so means in flight or interrupted
	OutcomePublished   = "published"   // the network confirmed
	OutcomeFound       = "found"       // a verification found the post
	OutcomeNotFound    = "not_found"   // a verification did not: publish again
	OutcomeRetry       = "retry"       // a safe error: tried again later
	OutcomeOffline     = "offline"     // the request could not leave the machine
	OutcomeUnknown     = "unknown"     // sent, but the answer was lost: to verify
	OutcomeInterrupted = "interrupted" // the process ended during the attempt: to verify
	OutcomeFailed      = "failed"      // a permanent error
	OutcomeHandedOff   = "handed_off"  // the network holds the post until its time
)

// Job is one variant of a post to publish to one account.
type Job struct {
	ID          string       `json:"id"`
	WorkspaceID string       `json:"workspaceId"`
	PostID      string       `json:"postId"`
	VariantID   string       `json:"variantId"`
	AccountID   string       `json:"accountId"`
	Network     network.Name `json:"network"`
	// Due is when it should go out, in UTC; Zone is the IANA zone it was
	// planned in (display only: the engine works in UTC).
	Due  time.Time `json:"due"`
	Zone string    `json:"zone"`

	State State `json:"state"`
	// Key is the idempotency key every attempt sends (TID format, so it
	// doubles as a Bluesky record key). Set by Plan, never changed.
	Key string `json:"key"`
	// NextAt is when the engine acts next (zero: nothing to do).
	NextAt time.Time `json:"nextAt,omitzero"`
	// LateOK lets the job go out however late (publish now, retry).
	LateOK   bool      `json:"lateOk,omitempty"`
	Attempts []Attempt `json:"attempts,omitempty"`
	// Retries counts safe retries since the last success or user action.
	Retries int      `json:"retries,omitempty"`
	Result  *Result  `json:"result,omitempty"`
	Failure *Failure `json:"failure,omitempty"`
	// Late is how late it went out (or was found), when it was.
	Late time.Duration `json:"late,omitempty"`
	// HandOff asks for the network to hold the post until Due where it
	// can (a HandOffer publisher, Due at least HandOffMin ahead), so it
	// goes out with Relais closed.
	HandOff bool `json:"handOff,omitempty"`
	// Remote is the network's id of the post it holds (handed off).
	Remote string `json:"remote,omitempty"`
	// RemoteStale says the held post no longer matches the job (content
	// changed, or publish now): it is cancelled at the network first.
	RemoteStale bool `json:"remoteStale,omitempty"`
	// HandOffs counts hand-offs, so each gets its own idempotency key.
	HandOffs int `json:"handOffs,omitempty"`

	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Attempt is one try: a publish or a verification.
type Attempt struct {
	ID       string    `json:"id"`
	Verify   bool      `json:"verify,omitempty"` // a look-up, not a publish
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Outcome  string    `json:"outcome"`
	Code     string    `json:"code,omitempty"`   // failure code or the network's reason
	Reason   string    `json:"reason,omitempty"` // the network's own short reason
}

// Result is where a published post lives.
type Result struct {
	RemoteID string `json:"remoteId"`
	URL      string `json:"url"`
	// CommentID is the first comment's id, when there is one.
	CommentID string `json:"commentId,omitempty"`
}

// Failure says why a job failed and what to do.
type Failure struct {
	Code   string `json:"code"`
	Action Action `json:"action"`
	Reason string `json:"reason,omitempty"` // the network's short reason, untranslated
}

// Payload is what a variant publishes.
type Payload struct {
	Text         string  `json:"text"`
	FirstComment string  `json:"firstComment,omitempty"`
	Title        string  `json:"title,omitempty"`
	Link         string  `json:"link,omitempty"`
	Board        string  `json:"board,omitempty"` // Pinterest: the board id to pin to
	Media        []Media `json:"media,omitempty"`
	Lang         string  `json:"lang,omitempty"` // BCP 47, e.g. "fr"
}

// Media is one image, already rendered for the network.
type Media struct {
	Data   []byte `json:"-"`
	MIME   string `json:"mime"`
	Alt    string `json:"alt"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// Content reads what a job publishes. The posts package implements it.
type Content interface {
	// Load returns the variant's payload; an error wrapping ErrGone
	// cancels the job.
	Load(ctx context.Context, postID, variantID string) (Payload, error)
}

// Account is who publishes, with a usable token.
type Account struct {
	ID       string
	Network  network.Name
	Server   string
	RemoteID string // the network's id: a Bluesky DID, a Mastodon account id
	Handle   string
	Token    network.Token
}

// Key is what makes attempts idempotent.
type Key struct {
	// ID is the job's idempotency key, the same for every attempt.
	ID string
	// Since is when the first attempt started: a look-up need not go
	// further back.
	Since time.Time
	// Retry is true when an earlier attempt may have reached the
	// network: Publish should look for its post before making one.
	Retry bool
}

// Publisher publishes to one network. Each backend/network/<name>
// package provides one.
type Publisher interface {
	// Publish publishes p. Calling it again with the same key must not
	// create a second post (and should complete a partial one, such as a
	// post whose first comment is missing). Errors wrap the network
	// package's sentinels: ErrNotSent (safe to retry), ErrRateLimited,
	// ErrRevoked, ErrInvalidContent, ErrMediaRejected; a
	// *network.StatusError carries the HTTP status and Retry-After.
	Publish(ctx context.Context, a Account, p Payload, key Key) (Result, error)
	// Verify looks for the post published with key; found is true only
	// when everything Publish makes exists.
	Verify(ctx context.Context, a Account, p Payload, key Key) (res Result, found bool, err error)
}

// HandOffer is a Publisher whose network can hold a post until its time
// (Mastodon's scheduled_at). The engine hands posts planned with
// Job.HandOff to it, moves or cancels the held post when the plan
// changes, and checks after the due time that it went out.
type HandOffer interface {
	// HandOff has the network publish p at at; it returns the network's
	// id of the held post. Calling it again with the same key must not
	// make a second one.
	HandOff(ctx context.Context, a Account, p Payload, key Key, at time.Time) (remoteID string, err error)
	// MoveHandOff changes when the held post goes out.
	MoveHandOff(ctx context.Context, a Account, remoteID string, at time.Time) error
	// CancelHandOff deletes the held post; found is false when the
	// network no longer holds it (it went out, or was deleted there).
	CancelHandOff(ctx context.Context, a Account, remoteID string) (found bool, err error)
	// HandedOff reports whether the network still holds the post.
	HandedOff(ctx context.Context, a Account, remoteID string) (bool, error)
}

// HandOffMin is how far ahead a post must be due to be handed off
// (Mastodon wants scheduled_at at least 5 minutes ahead).
const HandOffMin = 6 * time.Minute

// handOffCheck is how long after the due time the engine checks that a
// handed-off post went out.
const handOffCheck = 2 * time.Minute

// Accounts gives fresh tokens and records refusals; account.Service is
// one.
type Accounts interface {
	Fresh(ctx context.Context, id string) (network.Token, account.Account, error)
	// Renew renews the token after the network refused the access token
	// refused; it fails wrapping network.ErrRevoked when it cannot.
	Renew(ctx context.Context, id, refused string) (network.Token, account.Account, error)
	MarkRevoked(ctx context.Context, id, why string) (account.Account, error)
}

var _ Accounts = (*account.Service)(nil)

// EventKind names what happened to a job.
type EventKind string

// Event kinds (the app names its UI events schedule:<kind>).
const (
	EventPublished     EventKind = "published"
	EventFailed        EventKind = "failed"
	EventWaiting       EventKind = "waiting"   // waiting for the network
	EventToVerify      EventKind = "to_verify" // outcome unknown, checking
	EventNeedsDecision EventKind = "needs_decision"
	EventClockJump     EventKind = "clock_jump" // the wall clock moved (jump or sleep)
	EventHandedOff     EventKind = "handed_off" // the network holds the post until its time
)

// Event tells the app what happened.
type Event struct {
	Kind EventKind
	Job  Job // empty for EventClockJump
	// Skew is, for EventClockJump, how far the wall clock moved beyond
	// the monotonic clock (positive: forward or a sleep).
	Skew time.Duration
}

// LatePolicy is what a workspace wants for posts found late (after a
// sleep, or Relais not running): publish when late by less than Minutes,
// otherwise ask.
type LatePolicy struct {
	Minutes int `json:"minutes"`
}

// DefaultLatePolicy applies to workspaces that set none.
var DefaultLatePolicy = LatePolicy{Minutes: 30}

// ActivityKind names an activity log entry.
type ActivityKind string

// Activity kinds.
const (
	ActivityPublished     ActivityKind = "published"
	ActivityFailed        ActivityKind = "failed"
	ActivityToVerify      ActivityKind = "to_verify"
	ActivityWaiting       ActivityKind = "waiting"
	ActivityNeedsDecision ActivityKind = "needs_decision"
	ActivityHandedOff     ActivityKind = "handed_off"
)

// Activity is one line of a workspace's activity log.
type Activity struct {
	At        time.Time     `json:"at"`
	Kind      ActivityKind  `json:"kind"`
	JobID     string        `json:"jobId"`
	PostID    string        `json:"postId"`
	VariantID string        `json:"variantId"`
	AccountID string        `json:"accountId"`
	Network   network.Name  `json:"network"`
	URL       string        `json:"url,omitempty"`
	Code      string        `json:"code,omitempty"`
	Action    Action        `json:"action,omitempty"`
	Reason    string        `json:"reason,omitempty"`
	Late      time.Duration `json:"late,omitempty"`
}
