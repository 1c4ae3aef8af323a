import {
  occurrenceQuerySchema,
  scheduleCreateSchema,
  scheduleOccurrenceSchema,
  schedulePatchSchema,
  schedulePostResultSchema,
  scheduleRangeSchema,
  scheduleSchema,
  upcomingOccurrenceSchema,
} from '@expense-tracker/core';
import { z } from 'zod';
import { defineRoute, type Route } from '../http/route.js';
import { byId } from './descriptions.js';

/** The path of one occurrence: the schedule's id and the occurrence's nominal date. */
const occurrenceParams = z.object({
  id: z.string().min(1).max(64).meta({ description: 'The schedule’s id' }),
  date: z.iso
    .date()
    .meta({ description: 'The occurrence’s nominal date (its key), YYYY-MM-DD', example: '2027-03-31' }),
});

/**
 * `/schedules` (SPEC §7.3): recurring expenses (`post`) and bills (`expect`), their stored
 * occurrences, skip and post-now of one occurrence, and `upcoming` (computed, writing
 * nothing). Posting what comes due is the due work's (`tracker.runDue`), not a route's.
 */
export const scheduleRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/schedules',
    operationId: 'createSchedule',
    tag: 'Schedules',
    summary: 'Create a schedule',
    description: 'Its first occurrence is the first due today or later, in the owner’s time zone.',
    permission: 'schedules:write',
    body: scheduleCreateSchema,
    status: 201,
    response: scheduleSchema,
    handler: ({ owner, body }) => owner.schedules.create(body),
  }),
  defineRoute({
    method: 'get',
    path: '/schedules',
    operationId: 'listSchedules',
    tag: 'Schedules',
    summary: 'List schedules by name',
    permission: 'schedules:read',
    response: z.array(scheduleSchema),
    handler: ({ owner }) => owner.schedules.list(),
  }),
  defineRoute({
    method: 'get',
    path: '/schedules/upcoming',
    operationId: 'upcomingOccurrences',
    tag: 'Schedules',
    summary: 'Occurrences of the enabled schedules due in a range (at most 366 days), writing nothing',
    permission: 'schedules:read',
    query: scheduleRangeSchema,
    response: z.array(upcomingOccurrenceSchema),
    handler: ({ owner, query }) => owner.schedules.upcoming(query),
  }),
  defineRoute({
    method: 'get',
    path: '/schedules/{id}',
    operationId: 'getSchedule',
    tag: 'Schedules',
    summary: 'One schedule',
    description: byId('schedule'),
    permission: 'schedules:read',
    response: scheduleSchema,
    handler: ({ owner, params }) => owner.schedules.get(params.id),
  }),
  defineRoute({
    method: 'patch',
    path: '/schedules/{id}',
    operationId: 'updateSchedule',
    tag: 'Schedules',
    summary: 'Change some fields of a schedule',
    description: 'A new recurrence, or enabling it again, starts it from today.',
    permission: 'schedules:write',
    body: schedulePatchSchema,
    response: scheduleSchema,
    handler: ({ owner, params, body }) => owner.schedules.update(params.id, body),
  }),
  defineRoute({
    method: 'delete',
    path: '/schedules/{id}',
    operationId: 'deleteSchedule',
    tag: 'Schedules',
    summary: 'Delete a schedule and its occurrence history (the expenses it posted stay)',
    permission: 'schedules:write',
    status: 204,
    handler: ({ owner, params }) => owner.schedules.delete(params.id),
  }),
  defineRoute({
    method: 'get',
    path: '/schedules/{id}/occurrences',
    operationId: 'listScheduleOccurrences',
    tag: 'Schedules',
    summary: 'What happened to a schedule’s occurrences, by due date',
    permission: 'schedules:read',
    query: occurrenceQuerySchema,
    response: z.array(scheduleOccurrenceSchema),
    handler: ({ owner, params, query }) => owner.schedules.occurrences(params.id, query),
  }),
  defineRoute({
    method: 'post',
    path: '/schedules/{id}/occurrences/{date}/skip',
    operationId: 'skipOccurrence',
    tag: 'Schedules',
    summary: 'Skip one occurrence: it is neither posted nor expected',
    permission: 'schedules:write',
    params: occurrenceParams,
    response: scheduleOccurrenceSchema,
    errors: [409, 422],
    handler: ({ owner, params }) => owner.schedules.skip(params.id, params.date),
  }),
  defineRoute({
    method: 'post',
    path: '/schedules/{id}/occurrences/{date}/post',
    operationId: 'postOccurrence',
    tag: 'Schedules',
    summary: 'Post one occurrence now, dated on its due date (today when that is still ahead)',
    permission: 'schedules:write',
    params: occurrenceParams,
    status: 201,
    response: schedulePostResultSchema,
    errors: [409, 422],
    handler: ({ owner, params }) => owner.schedules.postNow(params.id, params.date),
  }),
];
