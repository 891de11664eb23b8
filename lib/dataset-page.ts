import 'server-only';
import { cache } from 'react';
import { getDatasetDetails } from '@/lib/datasets';

/** One lookup of a dataset's details per request, shared by the layout, its metadata and the tab pages. */
export const datasetDetails = cache(getDatasetDetails);
