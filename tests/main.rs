//! The one integration-test binary: real HTTP against the app, on SQLite and PostgreSQL.

mod support;

mod admin;
mod api;
mod api_writes;
mod assignees;
mod auth;
mod browser;
mod bulk;
mod calendar;
mod chases;
mod cli;
mod coordination;
mod corrections;
mod dashboard;
mod desk;
mod directives;
mod escalation;
mod explanations;
mod extensions;
mod extract;
mod feeds;
mod fixtures;
mod leaders;
mod listing;
mod mail;
mod periodic;
mod recurring;
mod review;
mod routes;
mod steps;
mod tasks;
mod transfers;
mod two_factor;
mod uploads;
mod webhooks;
